import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DriftReportCreated } from '../common/events/domain-events';

/**
 * Where drift reports go next (alert rules), called inside the report's transaction so an alert
 * commits or rolls back with its cause.
 */
@Injectable()
export class DriftReportListener {
  async onDriftReport(_manager: EntityManager, _event: DriftReportCreated): Promise<void> {
    // Alert rules are wired here when the alerts module lands.
  }
}
