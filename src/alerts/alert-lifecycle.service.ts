import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/domain-error';
import { UUID_PATTERN } from '../common/pagination/connection';
import { AuditService } from '../security/audit.service';
import type { Caller } from '../security/caller';
import { toAlert } from './alert.mapper';
import { AlertEventWriter } from './alert-event.writer';
import { AlertInputError, InvalidAlertTransitionError } from './alerts.errors';
import { AlertsRepository } from './alerts.repository';
import { UpdateAlertStatusInput } from './dto/update-alert-status.input';
import { Alert } from './models/alert.model';
import { AlertEventType, AlertStatus } from './models/alert-enums';

/** The moves an operator may make; RESOLVED is final (a new detection opens a new, linked alert). */
const ALLOWED: Record<AlertStatus, AlertStatus[]> = {
  [AlertStatus.OPEN]: [AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED],
  [AlertStatus.ACKNOWLEDGED]: [AlertStatus.RESOLVED],
  [AlertStatus.RESOLVED]: [],
};

const EVENT_FOR: Partial<Record<AlertStatus, AlertEventType>> = {
  [AlertStatus.ACKNOWLEDGED]: AlertEventType.ACKNOWLEDGED,
  [AlertStatus.RESOLVED]: AlertEventType.RESOLVED,
};

export const MAX_NOTE_LENGTH = 2_000;

/** Operator-driven status changes (acknowledge, resolve, snooze), each with its alert event. */
@Injectable()
export class AlertLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly events: AlertEventWriter,
    private readonly audit: AuditService,
  ) {}

  async updateStatus(input: UpdateAlertStatusInput, caller: Caller, now = new Date()): Promise<Alert> {
    const actor = caller.principal.name;
    if (!UUID_PATTERN.test(input.id)) throw new NotFoundError('Alert', input.id);
    const note = input.note?.trim() || null;
    if (note && note.length > MAX_NOTE_LENGTH) throw new AlertInputError('note', `must be at most ${MAX_NOTE_LENGTH} characters`);
    const snoozeUntil = input.snoozeUntil ?? null;
    if (snoozeUntil && !(snoozeUntil.getTime() > now.getTime())) throw new AlertInputError('snoozeUntil', 'must be in the future');

    return this.dataSource.transaction(async (manager) => {
      // The event-log lock first, then the row: the same order as rule evaluation (no deadlock).
      await this.events.lock(manager);
      const current = await this.alerts.lockById(manager, input.id);
      if (!current) throw new NotFoundError('Alert', input.id);
      const from = current.status as AlertStatus;
      if (!ALLOWED[from].includes(input.status)) throw new InvalidAlertTransitionError(input.id, from, input.status);
      const alert = toAlert(await this.alerts.setStatus(manager, input.id, input.status, snoozeUntil));
      await this.events.append(manager, alert, EVENT_FOR[input.status]!, actor, note, {
        previousStatus: from,
        snoozeUntil: snoozeUntil?.toISOString() ?? null,
      });
      await this.audit.record(manager, caller, {
        action: 'Mutation.updateAlertStatus',
        target: { alertId: alert.id },
        summary: { from, to: input.status, snoozeUntil: snoozeUntil?.toISOString() ?? null, note: note !== null },
      });
      return alert;
    });
  }
}
