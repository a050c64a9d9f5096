/** Particle dynamics and transport samplers (issue 5). */
export { simulate, simulateAsync, fieldVelocity, fieldEnergy, philoxNormals } from './simulate.js';
export type { SimulateOptions, SimulateResult, SimulateProgress, Trajectory, IntegratorName } from './simulate.js';
export type {
  FieldOptions, AttentionField, MmdField, LangevinField, LangevinPotential, MeanFieldField, FlowMatchingField,
  DiffusionField, MixtureOptions, SinkhornDivergenceField, CoupledFlowMatchingField,
} from './fields.js';
export { otCoupling, sampleConditionalFlow } from './minibatch.js';
export type { OtCoupling, OtCouplingOptions } from './minibatch.js';
export {
  attentionGaussianOde, ouMomentsOde, heatGaussian, linearNetRiccati, linearNetRisk, gaussianFlowMatching, moments,
} from './closed-forms.js';
