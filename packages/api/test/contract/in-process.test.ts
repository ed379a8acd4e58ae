import { inProcessGateway } from '../helpers/test-gateway.ts';
import { defineContractSuite } from './contract-suite.ts';

defineContractSuite('in-process dispatcher', inProcessGateway);
