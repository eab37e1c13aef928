import { serveTasks, transferListOf, transferring } from '../common/workers/worker-task';
import { FEATURE_NAMES } from '../model/features';
import { ChallengerTrainingInput, TRAIN_CHALLENGER_TASK, trainChallenger } from './challenger-training.task';

/**
 * Worker thread of the challenger-training pool (ChallengerTrainingPool): runs retrainModel's
 * split, training, cross-validation and evaluation off the serving event loop. The holdout, when
 * it goes back for the caller to score the champion, is moved rather than copied.
 */
serveTasks({
  [TRAIN_CHALLENGER_TASK]: (input: ChallengerTrainingInput, progress) => {
    const output = trainChallenger(input, progress);
    const holdout = output.holdout;
    return transferring(output, holdout ? transferListOf([...FEATURE_NAMES.map((name) => holdout.columns[name]), holdout.labels]) : []);
  },
});
