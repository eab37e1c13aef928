/** The standard normal CDF of the Gaussian copula: the service's own (src/stats/normal-distribution.ts). */
export { normalCdf } from '../src/stats/normal-distribution';
