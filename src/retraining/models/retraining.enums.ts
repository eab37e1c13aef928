import { registerEnumType } from '@nestjs/graphql';

export enum RetrainingCauseValue {
  DRIFT = 'DRIFT',
  PERFORMANCE = 'PERFORMANCE',
  MANUAL = 'MANUAL',
}
registerEnumType(RetrainingCauseValue, { name: 'RetrainingCause' });

export enum RetrainingStatusValue {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(RetrainingStatusValue, { name: 'RetrainingStatus' });

export enum ModelVersionStatusValue {
  ACTIVE = 'ACTIVE',
  CANDIDATE = 'CANDIDATE',
  RETIRED = 'RETIRED',
}
registerEnumType(ModelVersionStatusValue, { name: 'ModelVersionStatus' });
