/** Enum values of the public contract, defined once in the shared contract folder. */
export * from '../../../contracts/enums';
