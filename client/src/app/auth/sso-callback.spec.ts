import { describe, expect, it } from 'vitest';
import { takeTokenFromFragment } from './sso-callback';

describe('the single sign-on hand-over', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

  it('takes the token from the fragment, with or without the leading #', () => {
    expect(takeTokenFromFragment(`#token=${jwt}`)).toBe(jwt);
    expect(takeTokenFromFragment(`token=${encodeURIComponent(jwt)}&x=1`)).toBe(jwt);
  });

  it('stores nothing that is not a token', () => {
    expect(takeTokenFromFragment('')).toBeNull();
    expect(takeTokenFromFragment('#')).toBeNull();
    expect(takeTokenFromFragment('#token=')).toBeNull();
    expect(takeTokenFromFragment('#token=<script>alert(1)</script>')).toBeNull();
    expect(takeTokenFromFragment('#error=access_denied')).toBeNull();
    expect(takeTokenFromFragment(`#token=${jwt}.extra`)).toBeNull();
  });
});
