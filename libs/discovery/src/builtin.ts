// The built-in discoverers, in one explicit list.
import type { Discoverer } from '@gatehouse/plugin-sdk';
import { awsLambdaDiscoverer } from './discoverers/aws-lambda.js';
import { kubernetesServicesDiscoverer } from './discoverers/kubernetes-services.js';
import { openApiDiscoverer } from './discoverers/openapi.js';

export const BUILTIN_DISCOVERERS: readonly Discoverer[] = [kubernetesServicesDiscoverer, awsLambdaDiscoverer, openApiDiscoverer];
