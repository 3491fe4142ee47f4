// Fails when any type, field, argument, input field or enum value of the emitted schema has no
// description, listing each one: a client developer's GraphQL IDE shows these descriptions.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';

const file = resolve(process.argv[2] ?? 'apps/api/schema.gql');
const schema = buildSchema(readFileSync(file, 'utf8'));
const missing = [];
const need = (element, where) => {
  if (!element.description?.trim()) missing.push(where);
};

for (const type of Object.values(schema.getTypeMap())) {
  if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
  need(type, type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      need(field, `${type.name}.${field.name}`);
      for (const arg of field.args) need(arg, `${type.name}.${field.name}(${arg.name})`);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) need(field, `${type.name}.${field.name}`);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) need(value, `${type.name}.${value.name}`);
  }
}

if (missing.length > 0) {
  console.error(`${file}: ${missing.length} elements have no description:`);
  for (const where of missing) console.error(`  ${where}`);
  process.exit(1);
}
console.log(`${file}: every type, field, argument and enum value is described.`);
