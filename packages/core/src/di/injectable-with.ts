// tsyringe needs the Reflect metadata API before it loads; whoever imports a class using this gets it
import 'reflect-metadata';
import { type InjectionToken, inject, injectable } from 'tsyringe';

/**
 * Declares which tokens a class's constructor receives, in order, without decorator syntax.
 * Parameter decorators need `experimentalDecorators`, and tsx/esbuild only applies a tsconfig to
 * the files that tsconfig includes: a script whose tsconfig maps `@subnetkit/core` to core's
 * source would fail to load the class ("Parameter decorators only work when experimental
 * decorators are enabled"). Plain calls work under any transpiler setting.
 */
export function injectableWith<A extends unknown[]>(
  target: new (...args: A) => unknown,
  ...tokens: { [K in keyof A]: InjectionToken<A[K]> }
): void {
  (tokens as InjectionToken<unknown>[]).forEach((token, index) => {
    inject(token)(target, undefined, index);
  });
  injectable()(target as never);
}
