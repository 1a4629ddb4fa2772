import { startFastLauncher } from '../../src/process/launcher-client.ts';
import { testLauncherConformance } from './launcher-conformance.ts';

testLauncherConformance('python (fast)', () => startFastLauncher());
