// The Google Business Profile location, client and token the googlebusiness tests use, and the review everyone reads first.
export const LOCATION = 'accounts/106859472358204/locations/1449937412354389921'
export const REVIEWS = `https://mybusiness.googleapis.com/v4/${LOCATION}/reviews`
export const TOKEN = 'https://oauth2.googleapis.com/token'
export const BEARER = 'Bearer ya29.a0AfB_byExampleBusinessProfileAccessTokenForTests'
export const config = {
  location: LOCATION,
  clientId: '684312795021-k3v9q0example.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-bUsInEsS-cLiEnT-sEcReT',
  refreshToken: '1//09refresh-token-for-business-manage',
}
export const INGRID = 'AbFvOqnFyW3p2kVb8xQmT1hZc0rLd5sEaGuJ'
