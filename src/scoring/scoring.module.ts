import { Module } from '@nestjs/common';
import { ScoringService } from './scoring.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ModelVersionEntity } from './entities/model-version.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ModelVersionEntity])],
  providers: [ScoringService],
  exports: [ScoringService],
})
export class ScoringModule {}
