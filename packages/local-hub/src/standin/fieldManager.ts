/** The field manager of everything the stand-in writes, as HyperShift's operator has its own. */
export const STANDIN_FIELD_MANAGER = 'hostplane-standin';
