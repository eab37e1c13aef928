import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';
import { RootController } from './root.controller';

/** Serves the dashboard page; everything it shows comes from the public GraphQL API. */
@Module({ controllers: [DashboardController, RootController] })
export class DashboardModule {}
