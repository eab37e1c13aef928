import { Module } from '@nestjs/common';
import { GraphqlIdeController } from './graphql-ide.controller';

/**
 * GET /graphql in a browser: the GraphiQL IDE, with its scripts, styles and fonts served from
 * the installed npm packages (works without internet). On when AppConfig.graphqlIde is
 * (GRAPHQL_IDE: auto = outside production).
 */
@Module({ controllers: [GraphqlIdeController] })
export class GraphqlIdeModule {}
