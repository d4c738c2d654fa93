export { createEmulator } from './emulator';
export { signBody } from './webhook-driver';
export { simulatorMapOf } from './simulator-map';
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
  SimulatorMap,
  Source,
  UserSeed,
  WebhookDriver,
} from './types';
