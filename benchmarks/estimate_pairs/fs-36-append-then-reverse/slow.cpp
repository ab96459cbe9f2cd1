#include <iostream>
#include <string>
using namespace std;

int main() {
    long long n;
    int base;
    cin >> n >> base;
    string digits;
    if (n == 0) digits = "0";
    while (n > 0) {
        digits.insert(digits.begin(), char('0' + n % base));
        n /= base;
    }
    cout << digits << "\n";
    return 0;
}
