// Every berth command, one file each. A new command is a new file in this folder plus its line
// here (commands.test.ts fails when a file is missing from this list).
import type { CommandSpec } from '../command-spec.ts';
import { containerRun } from './container-run.ts';
import { containerCreate } from './container-create.ts';
import { containerStart } from './container-start.ts';
import { containerStop } from './container-stop.ts';
import { containerRestart } from './container-restart.ts';
import { containerKill } from './container-kill.ts';
import { containerRm } from './container-rm.ts';
import { containerPs } from './container-ps.ts';
import { containerLogs } from './container-logs.ts';
import { containerWait } from './container-wait.ts';
import { containerAttach } from './container-attach.ts';
import { containerExec } from './container-exec.ts';
import { containerInspect } from './container-inspect.ts';
import { containerCleanup } from './container-cleanup.ts';
import { inspect } from './inspect.ts';
import { history } from './history.ts';
import { imageInspect } from './image-inspect.ts';
import { imagePrune } from './image-prune.ts';
import { importCmd } from './import.ts';
import { load } from './load.ts';
import { images } from './images.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { pull } from './pull.ts';
import { push } from './push.ts';
import { rmi } from './rmi.ts';
import { save } from './save.ts';
import { systemDf } from './system-df.ts';
import { tag } from './tag.ts';

import { containerTop } from './container-top.ts';
import { containerStats } from './container-stats.ts';
import { containerPause } from './container-pause.ts';
import { containerUnpause } from './container-unpause.ts';
import { containerRename } from './container-rename.ts';
import { containerPort } from './container-port.ts';
import { containerUpdate } from './container-update.ts';
import { containerDiff } from './container-diff.ts';
import { containerExport } from './container-export.ts';
import { containerCommit } from './container-commit.ts';
import { containerCp } from './container-cp.ts';
import { containerPrune } from './container-prune.ts';
import { volumeCreate } from './volume-create.ts';
import { volumeLs } from './volume-ls.ts';
import { volumeInspect } from './volume-inspect.ts';
import { volumeRm } from './volume-rm.ts';
import { volumePrune } from './volume-prune.ts';
import { systemInfo } from './system-info.ts';
import { version } from './version.ts';
import { systemPrune } from './system-prune.ts';
import { containerHealthcheck } from './container-healthcheck.ts';

export const commands: CommandSpec[] = [
  inspect, containerRun, containerCreate, containerStart, containerStop, containerRestart, containerKill, containerRm, containerPs, containerLogs, containerWait, containerAttach, containerExec, containerInspect, containerCleanup,
  images, pull, push, tag, rmi, imageInspect, history, save, load, importCmd, imagePrune, login, logout, systemDf,
  containerTop, containerStats, containerPause, containerUnpause, containerRename, containerPort, containerUpdate,
  containerDiff, containerExport, containerCommit, containerCp, containerPrune,
  volumeCreate, volumeLs, volumeInspect, volumeRm, volumePrune, systemInfo, version, systemPrune, containerHealthcheck,
];
