#include <iomanip>
#include <iostream>
using namespace std;

int main() {
    double x;
    cin >> x;
    cout << fixed << setprecision(3) << x << endl;  // not the default format
}
