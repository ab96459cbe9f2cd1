#include <bits/stdc++.h>
using namespace std;

// Primes in [a, b] by trial division: count, first, last.
bool isPrime(int x) {
    if (x < 2) return false;
    for (int i = 2; i <= sqrt(x); i++)
        if (x % i == 0) return false;
    return true;
}

int main() {
    int a, b;
    scanf("%d %d", &a, &b);
    int count = 0, first = -1, last = -1;
    for (int x = a; x <= b; x++)
        if (isPrime(x)) {
            count++;
            if (first < 0) first = x;
            last = x;
        }
    printf("%d %d %d\n", count, first, last);
    return 0;
}
