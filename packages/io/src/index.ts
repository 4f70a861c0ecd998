export { IoError, type IoErrorCode } from './errors';
export { writeFileAtomic } from './write-file-atomic';
