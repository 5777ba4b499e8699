// The CRD of scenario 16-crd.sh, shared by tests.
export const WEBSITE_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'websites.lab.example.com' },
  spec: {
    group: 'lab.example.com',
    scope: 'Namespaced',
    names: { plural: 'websites', singular: 'website', kind: 'Website', shortNames: ['ws'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['domain'],
                properties: {
                  domain: { type: 'string' },
                  replicas: { type: 'integer', minimum: 1, maximum: 5 },
                },
              },
            },
          },
        },
      },
    ],
  },
};
