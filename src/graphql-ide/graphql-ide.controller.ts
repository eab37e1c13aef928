import { Controller, Get, Next, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { Public } from '../security/security.decorators';
import { IdeAssets } from './graphql-ide.assets';
import { GRAPHQL_IDE_CSP, renderGraphqlIdePage } from './graphql-ide.page';

/** A year: asset URLs carry a version or content hash, so one URL always names the same bytes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Whether a GET /graphql comes from a browser that wants a page: the client ranks text/html above
 * the GraphQL and JSON media types. `*\/*` alone (curl, fetch) picks the first, JSON, so only
 * browsers navigating to the URL get the IDE.
 */
function wantsHtml(request: Request): boolean {
  return request.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

/**
 * The offline GraphQL IDE: GraphiQL and everything it runs on, served by the service itself from
 * its installed npm packages (bank networks reach no CDN). Both routes are @Public(): the page and
 * its assets are the same static files for everyone and hold no credential; the user pastes an API
 * key into GraphiQL's headers editor, and every query, mutation and subscription the IDE sends is
 * authenticated and checked against the role matrix like any other client's.
 *
 * A browser following a link with GraphiQL's usual `?query=` (and `variables`, `operationName`)
 * gets the IDE with that operation filled in, as GraphiQL servers do; clients that want JSON
 * get the result from Apollo.
 *
 * Nest registers these routes before the GraphQL module mounts Apollo's middleware on /graphql,
 * so a GET /graphql that is not a browser asking for HTML (or any GET when the IDE is off) is
 * passed on with next() and reaches Apollo exactly as it would without this module.
 */
@Controller()
export class GraphqlIdeController {
  private readonly assets: IdeAssets | null;

  constructor(private readonly config: AppConfig) {
    // Resolved only when the IDE is on, so a disabled IDE never depends on the bundles.
    this.assets = config.graphqlIde ? new IdeAssets() : null;
  }

  @Public()
  @Get('graphql')
  page(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): void {
    if (!this.assets || !wantsHtml(request)) {
      next();
      return;
    }
    response
      .status(200)
      .setHeader('content-type', 'text/html; charset=utf-8')
      .setHeader('content-security-policy', GRAPHQL_IDE_CSP)
      .setHeader('cache-control', 'no-cache')
      .setHeader('x-content-type-options', 'nosniff')
      .setHeader('referrer-policy', 'no-referrer')
      .setHeader('vary', 'accept')
      .send(renderGraphqlIdePage(this.assets));
  }

  @Public()
  @Get('graphql-ide/assets/:name')
  async asset(@Param('name') name: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const asset = this.assets?.find(name);
    if (!asset) throw new NotFoundException(this.assets ? 'No such GraphQL IDE asset' : 'The GraphQL IDE is off (GRAPHQL_IDE)');
    const body = await asset.body();
    response
      .setHeader('content-type', asset.contentType)
      .setHeader('cache-control', IMMUTABLE)
      .setHeader('etag', body.etag)
      .setHeader('x-content-type-options', 'nosniff')
      .setHeader('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === body.etag) {
      response.status(304).end();
      return;
    }
    const gzipped = request.acceptsEncodings('gzip', 'identity') === 'gzip';
    if (gzipped) response.setHeader('content-encoding', 'gzip');
    response.status(200).send(gzipped ? body.gzipped : body.raw);
  }
}
