#include <cstdlib>
#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    cout << n << endl;  // flushed before the abort; printf's "\n" would not be
    if (n < 0) abort();
    cout << n * 2 << endl;
}
