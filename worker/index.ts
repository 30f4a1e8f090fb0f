/**
 * Worker entry: the API app and the Cron Trigger dispatch.
 */
import { createApp } from './app.js';
import { createLogger } from './middleware/logger.js';
import { runScheduled } from './scheduled.js';

export { RateLimiter } from './ratelimit/rate-limiter.js';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    const level = env.LOG_LEVEL === 'warn' || env.LOG_LEVEL === 'error' ? env.LOG_LEVEL : 'info';
    const log = createLogger({ cron: controller.cron, scheduled_time: new Date(controller.scheduledTime).toISOString() }, level);
    ctx.waitUntil(runScheduled(controller.cron, env, log));
  },
} satisfies ExportedHandler<Env>;
