// Bottleneck ships no typings for its light build (the same class, without clustering).
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
