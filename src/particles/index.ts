/** Particle dynamics and transport samplers (issue 5). */
export { simulate, simulateAsync, fieldVelocity, fieldEnergy, philoxNormals } from './simulate.js';
export type { SimulateOptions, SimulateResult, SimulateProgress, Trajectory, IntegratorName } from './simulate.js';
export type {
  FieldOptions, AttentionField, MmdField, LangevinField, LangevinPotential, MeanFieldField, FlowMatchingField,
  DiffusionField, MixtureOptions, SinkhornDivergenceField,
} from './fields.js';
export {
  attentionGaussianOde, ouMomentsOde, heatGaussian, linearNetRiccati, linearNetRisk, gaussianFlowMatching, moments,
} from './closed-forms.js';
