import { Router } from '@angular/router';

/** Opens a notification's linkUrl inside the console when it points here (e.g. "/cases/<id>"). */
export function openNotificationLink(router: Router, linkUrl: string | null | undefined): void {
  if (!linkUrl) return;
  if (linkUrl.startsWith('/')) {
    void router.navigateByUrl(linkUrl);
    return;
  }
  try {
    const url = new URL(linkUrl, window.location.origin);
    if (url.origin === window.location.origin) {
      void router.navigateByUrl(url.pathname + url.search + url.hash);
    } else {
      window.open(url.href, '_blank', 'noopener');
    }
  } catch {
    void router.navigateByUrl(`/${linkUrl}`);
  }
}
