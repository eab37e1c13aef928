import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller';

/** Serves the dashboard page; everything it shows comes from the public GraphQL API. */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
