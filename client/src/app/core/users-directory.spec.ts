import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ListResult, UserSummary, UserView } from '../../../../contracts/api';
import { UsersDirectory } from './users-directory';

describe('UsersDirectory', () => {
  let directory: UsersDirectory;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    directory = TestBed.inject(UsersDirectory);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it("offers a non-admin's {id, name, role} answer in the pickers: those users are active, though the answer does not say so", () => {
    directory.ensureLoaded();
    const answer: ListResult<UserSummary> = {
      items: [{ id: 'u1', name: 'Ada Auditor', role: 'INVESTIGATOR' }, { id: 'u2', name: 'Val Viewer', role: 'VIEWER' }],
      total: 2,
    };
    http.expectOne((req) => req.url.endsWith('/users')).flush(answer);
    expect(directory.activeUsers().map((u) => u.name)).toEqual(['Ada Auditor', 'Val Viewer']);
    expect(directory.nameOf('u2')).toBe('Val Viewer');
    expect(directory.find('u1')?.email).toBeUndefined();
  });

  it("leaves an admin's inactive users out of the active list but still names them", () => {
    directory.ensureLoaded();
    const user = (id: string, name: string, isActive: boolean): UserView => ({
      id, name, isActive, email: `${id}@example.test`, role: 'VIEWER', scopeCodes: [], createdAt: '2026-01-01T00:00:00.000Z',
    });
    http.expectOne((req) => req.url.endsWith('/users')).flush({ items: [user('a', 'Active', true), user('b', 'Gone', false)], total: 2 });
    expect(directory.activeUsers().map((u) => u.id)).toEqual(['a']);
    expect(directory.nameOf('b')).toBe('Gone');
    expect(directory.find('a')?.email).toBe('a@example.test');
  });
});
