#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    cin >> q;
    long long checksum = 0;
    while (q--) {
        int n;
        cin >> n;
        int factors = 0;
        for (int i = 2; i <= sqrt(n); i++) {
            while (n % i == 0) {
                n /= i;
                factors++;
                checksum += i;
            }
        }
        if (n > 1) factors++, checksum += n;
        cout << factors << "\n";
    }
    cout << checksum << "\n";
}
