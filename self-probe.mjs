const m = await import('calmfetch/mocks'); const n = await import('calmfetch/mocks/node');
console.log(typeof m.startMockServer, typeof n.startMockServer, typeof m.overCapacity);
