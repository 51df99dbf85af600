import { describeSamplerContract } from '../contracts/sampler-contract.js';
import { RandomSampler } from '../../src/samplers/random.js';

describeSamplerContract('random', () => new RandomSampler());
