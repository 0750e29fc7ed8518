import type { LiveNotification } from '../../../../contracts/socket-events';
import { isStandoutPriority, wantsAttention } from './notification-display';

/** The browser's Notification permission, or `unsupported` where there is no Notification API. */
export type DesktopPermission = NotificationPermission | 'unsupported';

export interface DesktopContext {
  /** The user's `desktop` preference. */
  enabled: boolean;
  permission: DesktopPermission;
  /** `document.visibilityState` when the notification arrives. */
  visibility: DocumentVisibilityState;
}

/**
 * Whether a live notification is also shown as a desktop notification: the user opted in, the browser allows
 * it, the console's tab is hidden (a visible tab has the toast), it is HIGH or URGENT, and it is one the
 * toaster would show (mute, quiet hours and minimum priority apply the same way).
 */
export function shouldShowOnDesktop(notification: Pick<LiveNotification, 'toast' | 'priority'>, context: DesktopContext): boolean {
  return context.enabled
    && context.permission === 'granted'
    && context.visibility === 'hidden'
    && isStandoutPriority(notification.priority)
    && wantsAttention(notification);
}

export function desktopPermission(): DesktopPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Asks the browser for permission (call from a click); resolves to what the browser answered. */
export async function requestDesktopPermission(): Promise<DesktopPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}
