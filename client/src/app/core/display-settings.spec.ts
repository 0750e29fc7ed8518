import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideZonelessChangeDetection } from '@angular/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DISPLAY_STORAGE_KEY, DisplaySettings } from './display-settings';

const AT = '2026-03-30T13:05:09.000Z';

describe('DisplaySettings', () => {
  let http: HttpTestingController;
  let display: DisplaySettings;

  beforeEach(() => {
    localStorage.clear();
    document.documentElement.removeAttribute('data-theme');
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    display = TestBed.inject(DisplaySettings);
  });
  afterEach(() => http.verify());

  it('formats in the user\'s zone and clock once the server\'s settings arrive', () => {
    display.load();
    http.expectOne('/api/v1/users/me/settings').flush({ theme: 'system', timeFormat: '12h', timeZone: 'America/New_York' });
    expect(display.format(AT, 'time')).toMatch(/^9:05:09\s?am$/i);
    expect(display.format(AT, 'date', 'UTC')).toBe('30 Mar 2026');
  });

  it('saving shows the change at once, puts the theme on <html> and in storage for the next first paint', () => {
    display.save({ theme: 'dark', timeFormat: '24h', timeZone: 'Asia/Tokyo' }).subscribe();
    expect(display.format(AT, 'time')).toBe('22:05:09');
    const req = http.expectOne('/api/v1/users/me/settings');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({ theme: 'dark', timeFormat: '24h', timeZone: 'Asia/Tokyo' });
    req.flush({ theme: 'dark', timeFormat: '24h', timeZone: 'Asia/Tokyo' });
    TestBed.tick();
    expect(document.documentElement.getAttribute('data-theme')).toBe('dark');
    expect(JSON.parse(localStorage.getItem(DISPLAY_STORAGE_KEY)!).theme).toBe('dark');
  });

  it('a refused save goes back to the settings before it', () => {
    display.save({ timeZone: 'Europe/Paris' }).subscribe();
    http.expectOne('/api/v1/users/me/settings').flush({ theme: 'system', timeFormat: '24h', timeZone: 'Europe/Paris' });
    display.save({ timeZone: 'Mars/Olympus_Mons' }).subscribe({ error: () => undefined });
    http.expectOne('/api/v1/users/me/settings').flush({ message: ['timeZone: unknown time zone'] }, { status: 400, statusText: 'Bad Request' });
    expect(display.settings().timeZone).toBe('Europe/Paris');
    expect(display.timeZone()).toBe('Europe/Paris');
  });

  it('"system" leaves the theme to the operating system (no data-theme)', () => {
    display.save({ theme: 'light' }).subscribe();
    http.expectOne('/api/v1/users/me/settings').flush({ theme: 'light', timeFormat: '24h', timeZone: null });
    TestBed.tick();
    expect(document.documentElement.getAttribute('data-theme')).toBe('light');
    display.save({ theme: 'system' }).subscribe();
    http.expectOne('/api/v1/users/me/settings').flush({ theme: 'system', timeFormat: '24h', timeZone: null });
    TestBed.tick();
    expect(document.documentElement.hasAttribute('data-theme')).toBe(false);
  });
});
