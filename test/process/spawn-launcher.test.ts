import { createSpawnLauncher } from '../../src/process/spawn-launcher.ts';
import { testLauncherConformance } from './launcher-conformance.ts';

testLauncherConformance('spawn', async () => createSpawnLauncher());
