/** The console's one module: countdowns and the live stream on every page. */
import { startCountdowns, tick } from './countdown';
import { startLive } from './live';
import { startLiveBatch } from './live-batch';
import { startTicketPage } from './ticket-page';

startCountdowns();
startLiveBatch();
startLive();
startTicketPage();
document.body.addEventListener('htmx:afterSwap', () => {
  // A swapped-in badge shows its server text until the next tick; tick now so it never lags.
  tick();
});
