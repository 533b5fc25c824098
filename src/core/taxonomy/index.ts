/**
 * Reason tables, qualification decoding and the cost taxonomy, in one import for the parsers, the
 * simulator, the JSONL reader and the analysis.
 */
export { reasonByName, payloadReasonByName, reasonByCode, isasForName, guessIsa, vmxReasonFlagNames, allReasons, type ReasonInfo } from './reasons';
export {
  crAccess,
  decodeVmxCrAccess,
  svmCrAccess,
  decodeVmxIo,
  decodeSvmIo,
  decodeInterruptionInfo,
  svmExceptionVector,
  hardwareException,
  hexLow32,
  decodeQualification,
  type QualificationInput,
  type DecodedQualification,
} from './qualification';
export { categorize, refine, resolveReason, reasonCategory, type CategorizeInput } from './categorize';
