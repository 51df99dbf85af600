import { describeSamplerContract } from '../contracts/sampler-contract.js';
import { GridSampler } from '../../src/samplers/grid.js';

describeSamplerContract('grid', () => new GridSampler({ gridSize: 3 }), { finite: true });
