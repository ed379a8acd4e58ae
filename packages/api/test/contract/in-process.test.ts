import { inProcessGateway } from '../helpers/test-gateway.ts';
import { defineContractSuite } from './contract-suite.ts';
import { defineMessagesContractSuite } from './messages-contract-suite.ts';
import { defineResponsesContractSuite } from './responses-contract-suite.ts';

defineContractSuite('in-process dispatcher', inProcessGateway);
defineMessagesContractSuite('in-process dispatcher', inProcessGateway);
defineResponsesContractSuite('in-process dispatcher', inProcessGateway);
