import type { CodeDocs } from '../types.ts';

/**
 * X's description of each v1.1 code in ../codes.ts, `why` wherever the documented meaning had to be weighed to
 * choose a category, and the other documented texts sent with the same code. Only `xCatalogueFull` carries them:
 * no error message or classification needs them, so they stay out of the core bundle (issue 18).
 * @internal
 */
export const X_CODE_DOCS: Readonly<Record<number, CodeDocs>> = {
  3: {
    description: 'The coordinates provided as parameters were not valid for the request.',
  },
  13: {
    description:
      'It was not possible to derive a location for the IP address provided as a parameter on the geo search request.',
  },
  17: {
    description: 'It was not possible to find a user profile matching the parameters specified.',
  },
  32: {
    description: 'There was an issue with the authentication data for the request.',
    why: 'The credentials themselves failed: no retry can fix them.',
  },
  34: {
    description: 'The specified resource was not found.',
  },
  36: {
    description: 'You cannot use your own user ID in a report spam call.',
  },
  38: {
    description: 'The request is missing the <named> parameter (such as media, text, etc.) in the request.',
  },
  44: {
    description: 'The URL value provided is not a URL that can be attached to this Post.',
  },
  50: {
    description: 'The user is not found.',
  },
  63: {
    description: 'The user account has been suspended and information cannot be retrieved.',
    why: 'The *target* user is suspended: a fact about one resource, not about our credentials.',
  },
  64: {
    description: 'The access token being used belongs to a suspended user.',
    why: 'The account that owns the access token is suspended: every call with this token will fail.',
  },
  68: {
    description: 'The request was made to a retired v1-era URL.',
  },
  87: {
    description: 'The endpoint called is not a permitted URL.',
    why: 'The app (client) is not permitted to call this endpoint: a property of the credentials, fixed only in the developer portal.',
  },
  88: {
    description: 'The request limit for this resource has been reached for the current rate limit window.',
    why: 'The window for this endpoint is spent; x-rate-limit-reset says when it refills.',
  },
  89: {
    description: 'The access token used in the request is incorrect or has expired.',
    why: 'The access token is wrong or expired; a token refresh is the only remedy.',
  },
  92: {
    description:
      'Only TLS v1.2 connections are allowed in the API. Update the request to a secure connection. See how to connect using TLS.',
    why: 'Sent over plain HTTP: the request itself is wrong, the credentials are fine.',
  },
  93: {
    description: 'The OAuth token does not provide access to Direct Messages.',
    why: 'The token was not granted Direct Message access: a scope of the credentials, fixed by re-authorising.',
  },
  99: {
    description: 'The OAuth credentials cannot be validated. Check that the token is still valid.',
    why: 'The OAuth credentials cannot be validated.',
  },
  109: {
    description: 'Not Found.',
  },
  110: {
    description: 'Bad Request.',
  },
  120: {
    description:
      'Thrown when one of the values passed to the update_profile.json endpoint exceeds the maximum value currently permitted for that field. The error message will specify the allowable maximum number of nn characters.',
  },
  130: {
    description: 'X is temporarily over capacity.',
    why: 'X is over capacity and turned the request away before processing it: safe to retry for every method.',
  },
  131: {
    description: 'An unknown internal error occurred.',
    why: 'An internal error that usually passes; the request may have been processed, so only idempotent calls are retried.',
  },
  135: {
    description:
      'Timestamp out of bounds (often caused by a clock drift when authenticating - check your system clock).',
    why: 'The OAuth timestamp is outside the accepted range: the credentials are rejected until the clock is fixed (flagged as clock skew).',
  },
  139: {
    description: 'A Post cannot be favorited (liked) more than once.',
  },
  144: {
    description: 'The requested Post ID is not found (if it existed, it was probably deleted).',
  },
  150: {
    description: 'Sending a Direct Message failed.',
  },
  151: {
    description: 'Sending a Direct Message failed. The reason value will provide more information.',
  },
  160: {
    description: 'This was a duplicated follow request and a previous request was not yet acknowleged.',
  },
  161: {
    description:
      'Thrown when a user cannot follow another user due to reaching the limit. This limit is applied to each user individually, independent of the Apps they use to access the X platform.',
    why: 'A per-user follow limit: a rate limit with no reset time given.',
  },
  179: {
    description:
      "Thrown when a Post cannot be viewed by the authenticating user, usually due to the Post's author having protected their Posts.",
    why: 'Not authorised for this one Post (protected author): a resource-level refusal, the credentials are fine.',
  },
  185: {
    description:
      'Thrown when a Post cannot be posted due to the user having no allowance remaining to post. Despite the text in the error message indicating that this error is only thrown when a daily limit is reached, this error will be thrown whenever a posting limitation has been reached. Posting allowances have roaming windows of time of unspecified duration.',
    why: 'A posting limit (X: "whenever a posting limitation has been reached", roaming windows of unspecified duration): rate-limited, with no reset time.',
  },
  186: {
    description: 'The status text is too long.',
  },
  187: {
    description: 'The status text has already been Posted by the authenticated account.',
  },
  195: {
    description: 'The request needs to have a valid url parameter.',
  },
  200: {
    description:
      'Account Activity API: the developer account is not approved, or not set up for this API, or the :env_name or URI is wrong.',
    why: 'The app is not allowed to use this API at all: fixed in the developer portal, not by retrying.',
  },
  205: {
    description: 'The account limit for reporting spam has been reached. Try again later.',
    why: 'A per-account limit on spam reports ("Try again later"): rate-limited, with no reset time.',
  },
  214: {
    description:
      'The user is not set up to have open Direct Messages when trying to set up a welcome message.',
    why: 'Direct Message and webhook setup errors (the Account Activity API reuses the code for CRC failures): fix the setup, then call again.',
    variants: [
      'Webhook URI does not meet the requirements.',
      'High latency on CRC GET request. Your webhook should respond in less than 3 seconds.',
      'Non-200 response code during CRC GET request (i.e. 404, 500, etc).',
      'Too many resources already created.',
    ],
  },
  215: {
    description: 'The method requires authentication but it was not presented or was wholly invalid.',
    why: 'Authentication was missing or wholly invalid.',
  },
  220: {
    description: 'The authentication token in use is restricted and cannot access the requested resource.',
    why: 'The token is restricted and cannot reach this resource: a property of the token, not of the resource, so re-authorising with wider access is the remedy.',
  },
  226: {
    description:
      'We constantly monitor and adjust our filters to block spam and malicious activity on the X platform. These systems are tuned in real-time. If you get this response our systems have flagged the Post or Direct Message as possibly fitting this profile. If you believe that the Post or DM you attempted to create was flagged in error, report the details by filing a ticket at https://help.x.com/forms/platform.',
    why: 'Flagged as automated: retrying would look more automated still.',
  },
  231: {
    description:
      'Returned as a challenge in xAuth when the user has login verification enabled on their account and needs to be directed to twitter.com to generate a temporary password.',
    why: 'The user must act (verify the login) before these credentials work.',
  },
  251: {
    description: 'The App made a request to a retired URL.',
  },
  261: {
    description:
      'Caused by the App being restricted from POST, PUT, or DELETE actions. Check the information on your App dashboard. You may also file a ticket at https://help.x.com/forms/platform.',
    why: 'The app has no write permission: tokens must be regenerated with Read+Write access.',
  },
  271: {
    description: 'The authenticated user account cannot mute itself.',
  },
  272: {
    description: 'The authenticated user account is not muting the account a call is attempting to unmute.',
  },
  323: {
    description: 'Only one animated GIF may be attached to a single Post.',
  },
  324: {
    description: 'There was a problem with the media ID submitted with the Post.',
  },
  325: {
    description: 'The media ID attached to the Post was not found.',
  },
  326: {
    description:
      'The user should log in to https://x.com to unlock their account before the user token can be used.',
    why: 'The account behind the user token is locked until the user logs in at x.com: the token cannot be used.',
  },
  327: {
    description: 'The user cannot repost the same Post more than once.',
  },
  349: {
    description: 'The sender does not have privileges to Direct Message the recipient.',
  },
  354: {
    description: 'The message size exceeds the number of characters permitted in a Direct Message.',
  },
  355: {
    description:
      'Related to Account Activity API request to add a new subscription for an authenticated user.',
    why: 'A conflict: the subscription already exists. Retrying cannot change that.',
  },
  385: {
    description: 'A reply can only be sent with reference to an existing public Post.',
  },
  386: {
    description: 'A Post is limited to a single attachment resource (media, Quote Post, etc.)',
  },
  407: {
    description:
      'A URL included in the Post could not be handled. This may be because a non-ASCII URL could not be converted, or for other reasons.',
  },
  415: {
    description:
      'The App callback URLs must be allowlisted via the App details page in the developer portal. Only approved callback URLs may be used by the X App. See the Callback URL documentation.',
    why: 'OAuth flow misconfiguration: the callback URL is not approved for the app.',
  },
  416: {
    description: 'The App has been suspended and cannot be used with Sign-in with X.',
    why: 'The app itself is invalid or suspended.',
  },
  417: {
    description:
      "The App is attempting to use out-of-band PIN-based OAuth, but a callback URL has been specified in the App's settings.",
    why: 'OAuth flow misconfiguration: a desktop app must use the oob callback.',
  },
  421: {
    description: 'The Post cannot be retrieved. This may be for a number of reasons. Read about the X Rules.',
  },
  422: {
    description: 'The Post is not available in the API. Read about the X Rules.',
  },
  425: {
    description: 'Forbidden. Read about public-interest exceptions on X.',
  },
  433: {
    description:
      'Thrown when reply to a Post, and the author of that original Post limited who can reply. In this case, a reply can only be sent if the author follows or has been mentioned by the author of the original Post.',
  },
};
