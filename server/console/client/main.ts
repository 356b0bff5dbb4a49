/** The console's one module: countdowns and the live stream on every page, and the ticket page's widgets. */
import { startCanned } from './canned';
import { startCountdowns, tick } from './countdown';
import { startDrafts } from './drafts';
import { startLive } from './live';
import { startLiveBatch } from './live-batch';
import { startLiveGuard } from './live-guard';
import { startPresence } from './presence';
import { startShortcuts } from './shortcuts';
import { startStaleGuard } from './stale-guard';
import { startSubmitOnce } from './submit-once';
import { startTicketPage } from './ticket-page';

startCountdowns();
startLiveBatch();
startLiveBatch(1000, 'live:inbound', 'live:inbound-batch');
startLiveGuard();
// The guard's submit listener goes first: a reply it holds back is not taken for sent by the drafts.
startStaleGuard();
startDrafts();
startCanned();
startPresence();
startShortcuts();
startSubmitOnce();
startLive();
startTicketPage();
document.body.addEventListener('htmx:afterSwap', () => {
  // A swapped-in badge shows its server text until the next tick; tick now so it never lags.
  tick();
  // A swap that replaced the reply area brings an empty canned-response slot.
  startCanned();
});
