import { Module } from '@nestjs/common';

/** Entities and migration exist; services, resolvers and jobs arrive with their issues. */
@Module({})
export class BaselinesModule {}
