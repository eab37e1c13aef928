import { Controller, Get, Redirect } from '@nestjs/common';
import { Public } from '../security/security.decorators';

/**
 * `/` is where a browser pointed at the service lands first: send it to the dashboard instead of
 * a 404. A redirect carries no data, so it is public (the dashboard asks for a key itself).
 */
@Controller()
export class RootController {
  @Public()
  @Get()
  @Redirect('/dashboard', 302)
  root(): void {}
}
