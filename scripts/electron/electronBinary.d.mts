export declare const PROJECT_ROOT: string;
export declare function electronPackageDir(): string | null;
export declare function electronVersion(): string | null;
export declare function electronBinaryPath(): string | null;
