/** This SDK's version (semver). Plugins record it as `sdkVersion`; the loader checks the major matches. */
export const SDK_VERSION = '0.2.0';
