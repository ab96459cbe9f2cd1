#include <bits/stdc++.h>
using namespace std;

// Primes up to n: their count, their sum, and the number of twin-prime pairs.
int main() {
    int n;
    cin >> n;
    vector<char> composite(n + 3, 0);  // one byte per flag: no bit masking
    for (int i = 2; (long long)i * i <= n; i++)
        if (!composite[i])
            for (int j = i * i; j <= n; j += i) composite[j] = 1;
    long long count = 0, sum = 0, twins = 0;
    for (int i = 2; i <= n; i++)
        if (!composite[i]) {
            count++;
            sum += i;
            if (i + 2 <= n && !composite[i + 2]) twins++;
        }
    cout << count << " " << sum << " " << twins << "\n";
    return 0;
}
