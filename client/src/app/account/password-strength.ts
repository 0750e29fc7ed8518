import type { StrengthEstimate } from './password-rules';

export type StrengthEstimator = (password: string, userInputs: string[]) => StrengthEstimate;

let loading: Promise<StrengthEstimator> | undefined;

/**
 * The estimator and its dictionaries (~1 MB) are loaded only when a password field is first shown, in their own
 * chunk: the main bundle does not carry them.
 */
export function loadStrengthEstimator(): Promise<StrengthEstimator> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    const zxcvbn = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
    return (password: string, userInputs: string[]) => {
      const result = zxcvbn.check(password.slice(0, 128), userInputs);
      return { score: result.score, warning: result.feedback.warning, suggestions: result.feedback.suggestions };
    };
  });
  loading.catch(() => (loading = undefined));
  return loading;
}
