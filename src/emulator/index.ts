export { createEmulator } from './emulator';
export { signBody } from './webhook-driver';
export type {
  CallFilter,
  DeliveredMessage,
  DriveResult,
  Emulator,
  EmulatorOptions,
  FaultSpec,
  GroupSeed,
  ListeningEmulator,
  RecordedCall,
  Source,
  UserSeed,
  WebhookDriver,
} from './types';
