import { serveTasks, transferListOf, transferring } from '../common/workers/worker-task';
import {
  checkWindowSketches,
  mergeSketchPage,
  WINDOW_CHECK_TASK,
  WINDOW_MERGE_TASK,
  WindowCheckInput,
  WindowMergeInput,
} from './window-check.task';

/** Worker thread of the window-check pool (WindowCheckPool): merging and judging off the event loop. */
serveTasks({
  [WINDOW_MERGE_TASK]: (input: WindowMergeInput) => {
    const merged = mergeSketchPage(input);
    return transferring(merged, transferListOf([merged]));
  },
  [WINDOW_CHECK_TASK]: (input: WindowCheckInput, progress) => checkWindowSketches(input, progress),
});
