// Public surface of the schema machinery: catalogue, OpenAPI documents, decoding, CRD schemas.
export { type Schema, type Definitions, getDefinitions, schemaForKind, lookupDefinition, resolve, propertySchema, listSemantics } from './schema';
export { type OpenApiKind, buildOpenApiV3Document, buildOpenApiV3Index, serializeOpenApiDocument, reachableDefinitions } from './document';
export { type FieldValidation, type DecodeResult, type DecodeOptions, decodeStrict, pruneUnknown, formatDecodeError, quantityError } from './decode';
export { findDuplicateFields } from './duplicates';
export { type CrdDefinitions, crdSchemaToDefinition, crdDefinitionName, crdVersion } from './crd-definition';
export { validateCrdObject, applyCrdDefaults } from './crd-validation';
export { validateCrdRules, compileCrdRules } from './crd-rules';
