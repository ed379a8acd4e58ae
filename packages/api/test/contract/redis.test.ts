import { redisGateway } from '../helpers/redis-gateway.ts';
import { defineContractSuite } from './contract-suite.ts';

defineContractSuite('Redis dispatcher', redisGateway);
