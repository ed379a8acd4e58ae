import { redisGateway } from '../helpers/redis-gateway.ts';
import { defineContractSuite } from './contract-suite.ts';
import { defineMessagesContractSuite } from './messages-contract-suite.ts';
import { defineResponsesContractSuite } from './responses-contract-suite.ts';

defineContractSuite('Redis dispatcher', redisGateway);
defineMessagesContractSuite('Redis dispatcher', redisGateway);
defineResponsesContractSuite('Redis dispatcher', redisGateway);
